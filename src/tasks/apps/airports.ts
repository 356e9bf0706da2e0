/** US airports as the flight search lists them, "City, ST (CODE)": the autocomplete's entries. */
// prettier-ignore
export const AIRPORTS = [
  'Albany, NY (ALB)', 'Albuquerque, NM (ABQ)', 'Anchorage, AK (ANC)', 'Atlanta, GA (ATL)', 'Austin, TX (AUS)',
  'Baltimore, MD (BWI)', 'Billings, MT (BIL)', 'Birmingham, AL (BHM)', 'Boise, ID (BOI)', 'Boston, MA (BOS)',
  'Buffalo, NY (BUF)', 'Burlington, VT (BTV)', 'Charleston, SC (CHS)', 'Charlotte, NC (CLT)', 'Chicago, IL (ORD)',
  'Cincinnati, OH (CVG)', 'Cleveland, OH (CLE)', 'Columbus, OH (CMH)', 'Dallas, TX (DFW)', 'Denver, CO (DEN)',
  'Des Moines, IA (DSM)', 'Detroit, MI (DTW)', 'El Paso, TX (ELP)', 'Fairbanks, AK (FAI)', 'Fresno, CA (FAT)',
  'Honolulu, HI (HNL)', 'Houston, TX (IAH)', 'Indianapolis, IN (IND)', 'Jackson, MS (JAN)', 'Jacksonville, FL (JAX)',
  'Kansas City, MO (MCI)', 'Las Vegas, NV (LAS)', 'Little Rock, AR (LIT)', 'Los Angeles, CA (LAX)',
  'Louisville, KY (SDF)', 'Memphis, TN (MEM)', 'Miami, FL (MIA)', 'Milwaukee, WI (MKE)', 'Minneapolis, MN (MSP)',
  'Nashville, TN (BNA)', 'New Orleans, LA (MSY)', 'New York, NY (JFK)', 'Newark, NJ (EWR)', 'Oklahoma City, OK (OKC)',
  'Omaha, NE (OMA)', 'Orlando, FL (MCO)', 'Philadelphia, PA (PHL)', 'Phoenix, AZ (PHX)', 'Pittsburgh, PA (PIT)',
  'Portland, ME (PWM)', 'Portland, OR (PDX)', 'Raleigh, NC (RDU)', 'Reno, NV (RNO)', 'Richmond, VA (RIC)',
  'Sacramento, CA (SMF)', 'Salt Lake City, UT (SLC)', 'San Antonio, TX (SAT)', 'San Diego, CA (SAN)',
  'San Francisco, CA (SFO)', 'Savannah, GA (SAV)', 'Seattle, WA (SEA)', 'Spokane, WA (GEG)', 'St. Louis, MO (STL)',
  'Tampa, FL (TPA)', 'Tucson, AZ (TUS)', 'Tulsa, OK (TUL)', 'Washington, DC (DCA)', 'Wichita, KS (ICT)',
];

/** "Boston, MA (BOS)" -> { city: "Boston, MA", code: "BOS" }. */
export function splitAirport(entry: string): { city: string; code: string } {
  const match = /^(.*) \((\w{3})\)$/.exec(entry);
  if (!match) throw new Error(`Airport entry ${JSON.stringify(entry)} is not "City, ST (CODE)".`);
  return { city: match[1] as string, code: match[2] as string };
}
