/** Word lists and small text helpers of the forms family (tables, feeds, contacts, search results). */

export const MOVIE_GENRES = [
  'Action',
  'Adventure',
  'Comedy',
  'Crime',
  'Drama',
  'Fantasy',
  'Horror',
  'Musical',
  'Mystery',
  'Romance',
  'Satire',
  'Thriller',
  'Western',
  'Documentary',
  'Animation',
];

// prettier-ignore
export const LANGUAGES = [
  'Arabic', 'Bengali', 'Dutch', 'English', 'French', 'German', 'Hindi', 'Italian', 'Japanese', 'Korean', 'Polish',
  'Portuguese', 'Russian', 'Spanish', 'Swahili', 'Turkish',
];

export const RELIGIONS = [
  'Buddhist',
  'Christian',
  'Hindu',
  'Jewish',
  'Muslim',
  'Sikh',
  'Atheist',
  'Agnostic',
];

export const GENDERS = ['Male', 'Female', 'Non-binary'];

export const TOP_LEVEL_DOMAINS = [
  'com',
  'net',
  'org',
  'ca',
  'us',
  'io',
  'tv',
  'co.uk',
  'it',
  'jp',
  'se',
  'mx',
];
