// The subcommands other than `check`, by name: the entry point of server/out/cli-commands.js,
// a bundle of its own that cli.ts requires only when one of them is asked for (see SUBCOMMANDS
// there). Each takes the arguments after its name and resolves to the exit status.

import { conversations } from './conversations';
import { diagramCommand } from './diagram';
import { follow } from './follow';

export type Subcommand = (argv: string[]) => Promise<number>;

export const SUBCOMMANDS: Record<string, Subcommand> = {
  conversations,
  diagram: diagramCommand,
  follow,
};
