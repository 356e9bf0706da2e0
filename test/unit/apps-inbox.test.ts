import { describe, expect, it } from 'vitest';
import { readInboxRequest } from '../../src/experts/apps/inbox-instruction.ts';
import { ExpertConfusedError } from '../../src/experts/expert.ts';

const SENDERS = ['Ada', 'Adam', 'Lars', 'Hana'];
const read = (utterance: string, senders = SENDERS) => readInboxRequest('email-inbox', utterance, senders);

describe('the email-inbox expert reads', () => {
  it("the official pages' fixed sentences", () => {
    expect(read('Find the email by Lars and reply to them with the text "dolor sit amet".')).toEqual({
      action: 'reply',
      sender: 'Lars',
      message: 'dolor sit amet',
    });
    // The recipient of a plain forward need not be anyone who wrote to the inbox.
    expect(read('Find the email by Hana and forward that email to Quinn.')).toEqual({
      action: 'forward',
      sender: 'Hana',
      to: 'Quinn',
    });
    expect(read('Find the email by Ada and click the trash icon to delete it.')).toEqual({
      action: 'delete',
      sender: 'Ada',
    });
    expect(read('Find the email by Adam and click the star icon to mark it as important.')).toEqual({
      action: 'star',
      sender: 'Adam',
    });
  });

  it('who wrote and who receives, whichever comes first', () => {
    const cases: [string, string, string][] = [
      ['Send Hana the email you got from Lars.', 'Lars', 'Hana'],
      ['Hana wants the email Lars sent to you.', 'Lars', 'Hana'],
      ['Lars wants his or her message to be sent to Hana.', 'Lars', 'Hana'],
      ['Hana is waiting for the email by Lars.', 'Lars', 'Hana'],
      ['Get Lars email and then forward it to Hana please.', 'Lars', 'Hana'],
      ["can you send Lars's message to Hana", 'Lars', 'Hana'],
      ['Share the message you received from Lars with Hana.', 'Lars', 'Hana'],
      // Two emails by the same person: forwarding one to its own author is still a forward.
      ['Forward the message from Lars to Lars.', 'Lars', 'Lars'],
    ];
    for (const [utterance, sender, to] of cases)
      expect(read(utterance), utterance).toEqual({ action: 'forward', sender, to });
  });

  it('a reply text that is not quoted, and names as whole words only', () => {
    expect(read('respond to Adam saying lorem ipsum')).toEqual({
      action: 'reply',
      sender: 'Adam',
      message: 'lorem ipsum',
    });
    expect(read('write back to Hana: sed do.')).toEqual({
      action: 'reply',
      sender: 'Hana',
      message: 'sed do',
    });
    expect(read("trash Adam's email")).toEqual({ action: 'delete', sender: 'Adam' });
  });

  it('and says so when the instruction names nobody in the inbox', () => {
    expect(() => read('Delete the email from Zoe.')).toThrow(ExpertConfusedError);
  });
});
