// What npm run up and npm run destroy need of this machine: its commands, and running pulumi on
// the user's terminal as the shell's `exec` would.
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { UsageError } from "./cli";
import { StackOutputsMissing } from "./stackOutputs";

/** A refusal in one line, with the exit code it ends with (2: the user's arguments or stack; 1: this machine). */
export class Refusal extends Error {
    constructor(
        message: string,
        readonly code = 1,
    ) {
        super(message);
    }
}

function isExecutable(file: string): boolean {
    try {
        fs.accessSync(file, fs.constants.X_OK);
        return fs.statSync(file).isFile();
    } catch {
        return false;
    }
}

/** Whether `command` is on PATH (with Windows' extensions there). */
export function onPath(command: string): boolean {
    const extensions = process.platform === "win32" ? (process.env.PATHEXT ?? ".EXE;.CMD;.BAT").split(";") : [""];
    const dirs = (process.env.PATH ?? "").split(path.delimiter).filter(Boolean);
    return dirs.some((dir) => extensions.some((extension) => isExecutable(path.join(dir, command + extension))));
}

/**
 * Runs a long command on this terminal; resolves with its exit code. Ctrl-C reaches the command
 * from the terminal itself, so it is not passed on again: a second SIGINT makes pulumi stop at
 * once instead of cleanly. A TERM or HUP sent to this process alone is passed on.
 */
export function runOnTerminal(command: string, args: string[]): Promise<number> {
    return new Promise((resolve, reject) => {
        const child = spawn(command, args, { stdio: "inherit" });
        const ignore = () => undefined;
        const forward = (signal: NodeJS.Signals) => child.kill(signal);
        process.on("SIGINT", ignore);
        process.on("SIGTERM", forward);
        process.on("SIGHUP", forward);
        child.on("error", reject);
        child.on("exit", (code, signal) => {
            process.off("SIGINT", ignore);
            process.off("SIGTERM", forward);
            process.off("SIGHUP", forward);
            resolve(code ?? 128 + (signal ? os.constants.signals[signal] : 0));
        });
    });
}

/** Each refusal in one line starting "<tool>:", with the usage for a bad argument; its exit code. */
function refuse(tool: string, usage: string, error: Error): number {
    if (error instanceof UsageError) console.error(`${tool}: ${error.message}\n${usage}`);
    else if (error instanceof StackOutputsMissing) console.error(error.message);
    else console.error(`${tool}: ${error.message}`);
    return error instanceof UsageError ? 2 : error instanceof Refusal ? error.code : 1;
}

/** A laptop command's entry: --help prints its usage; else `main` runs in the project folder and exits with its code or refusal. */
export function runLaptopCommand(
    tool: string,
    usage: string,
    projectDir: string,
    main: (argv: string[]) => Promise<number>,
): void {
    if (process.argv.includes("--help") || process.argv.includes("-h")) {
        console.log(usage);
        return;
    }
    process.chdir(projectDir);
    main(process.argv.slice(2)).then(
        (code) => process.exit(code),
        (error: Error) => process.exit(refuse(tool, usage, error)),
    );
}
