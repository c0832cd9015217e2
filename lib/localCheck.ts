// Runs a read-only check script of scripts/ through the Command provider's `run` invoke, on every
// preview and update, and turns its failure into the one line the script printed.
import * as command from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";
import { UserError } from "./userError";

export interface CheckOutput {
    stdout: string;
    stderr: string;
}

export async function runCheck(commandLine: string, environment: Record<string, string>): Promise<CheckOutput> {
    let result: command.local.RunResult;
    try {
        result = await command.local.run({ command: commandLine, environment });
    } catch (error) {
        // The invoke's error wraps the script's stderr: keep the script's last line, its verdict.
        throw new UserError(lastLine(error instanceof Error ? error.message : String(error)));
    }
    // An invoke's output is not streamed to the console; pass the script's progress on.
    if (result.stderr?.trim()) await pulumi.log.info(result.stderr.trim());
    return { stdout: result.stdout ?? "", stderr: result.stderr ?? "" };
}

export function lastLine(text: string): string {
    return text.trim().split("\n").pop()?.trim() ?? "";
}
