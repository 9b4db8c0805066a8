/**
 * JSON already written: a server that sends the same answer or event to many
 * clients (a block to every node) writes it once and hands the text to every
 * answer, instead of serializing the same value again for each.
 */
export class RawJson {
  constructor(readonly text: string) {}
}
