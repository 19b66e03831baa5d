/**
 * An error in what the user gave the program (settings, templates, cdktf.json), as opposed to a
 * bug. main.ts prints its message alone, one line per problem, without a stack trace: the message
 * must name the file or setting, the bad value and what is allowed.
 */
export class UserInputError extends Error {
  constructor(readonly lines: readonly string[]) {
    super(lines.join("\n"));
    this.name = new.target.name;
  }
}
