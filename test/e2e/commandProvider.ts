// A stand-in for pulumi-resource-command, which the Go module proxy here does not serve at any
// version. It follows the real provider's documented contract for what this program uses:
// command:local:Command (create/update/delete, triggers replace, other changes update) and the
// command:local:run invoke. Commands run under /bin/sh -c (or `interpreter`) in the provider's
// working directory, with the process environment plus `environment`, plus PULUMI_COMMAND_STDOUT
// and PULUMI_COMMAND_STDERR from the previous run; their output is logged and kept without its
// trailing newline. Anything else the real provider offers is refused, so nothing passes here that
// the real provider would do differently.
import { spawn } from "child_process";
import * as pulumi from "@pulumi/pulumi";
import * as provider from "@pulumi/pulumi/provider";

const VERSION = "1.2.1";
const UNSUPPORTED = ["logging", "assetPaths", "archivePaths"];
const INPUT_KEYS = [
    "create",
    "update",
    "delete",
    "dir",
    "environment",
    "interpreter",
    "stdin",
    "addPreviousOutputInEnv",
    "triggers",
];

interface CommandInputs {
    create?: string;
    update?: string;
    delete?: string;
    dir?: string;
    environment?: Record<string, string>;
    interpreter?: string[];
    stdin?: string;
    addPreviousOutputInEnv?: boolean;
    triggers?: unknown[];
}

interface RunOutputs {
    stdout: string;
    stderr: string;
}

type CommandState = CommandInputs & Partial<RunOutputs>;

function run(
    commandLine: string,
    inputs: CommandInputs,
    previous: Partial<RunOutputs>,
    urn?: string,
): Promise<RunOutputs> {
    const [program, ...args] = [...(inputs.interpreter?.length ? inputs.interpreter : ["/bin/sh", "-c"]), commandLine];
    const env: NodeJS.ProcessEnv = { ...process.env, ...inputs.environment };
    if (inputs.addPreviousOutputInEnv !== false) {
        if (previous.stdout) env.PULUMI_COMMAND_STDOUT = previous.stdout;
        if (previous.stderr) env.PULUMI_COMMAND_STDERR = previous.stderr;
    }
    return new Promise((resolve, reject) => {
        const child = spawn(program, args, { cwd: inputs.dir ?? process.cwd(), env, stdio: ["pipe", "pipe", "pipe"] });
        let stdout = "";
        let stderr = "";
        let combined = "";
        const forward = (chunk: Buffer, sink: "stdout" | "stderr") => {
            const text = chunk.toString();
            if (sink === "stdout") stdout += text;
            else stderr += text;
            combined += text;
            for (const line of text.split("\n").filter((l) => l.trim() !== ""))
                void pulumi.log.info(line, urn ? logTarget(urn) : undefined);
        };
        child.stdout.on("data", (chunk: Buffer) => forward(chunk, "stdout"));
        child.stderr.on("data", (chunk: Buffer) => forward(chunk, "stderr"));
        child.on("error", reject);
        child.on("close", (code, signal) => {
            if (code === 0) resolve({ stdout: stdout.replace(/\n$/, ""), stderr: stderr.replace(/\n$/, "") });
            else
                reject(
                    new Error(`exit status ${code ?? signal}: running ${JSON.stringify(commandLine)}:\n${combined}`),
                );
        });
        child.stdin.end(inputs.stdin ?? "");
    });
}

/** pulumi.log attributes a line to a resource through its urn output; a provider only has the URN string. */
function logTarget(urn: string): pulumi.Resource {
    return { urn: { promise: () => Promise.resolve(urn) } } as unknown as pulumi.Resource;
}

function refuseUnsupported(inputs: Record<string, unknown>): provider.CheckFailure[] {
    return UNSUPPORTED.filter((key) => inputs[key] !== undefined).map((property) => ({
        property,
        reason: "not supported by the e2e stand-in for pulumi-resource-command",
    }));
}

function inputsOf(state: CommandState): CommandInputs {
    return Object.fromEntries(
        INPUT_KEYS.filter((key) => key in state).map((key) => [key, state[key as keyof CommandInputs]]),
    ) as CommandInputs;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

const commandProvider: provider.Provider = {
    version: VERSION,

    async check(_urn: string, _olds: CommandState, news: CommandInputs): Promise<provider.CheckResult> {
        return { inputs: news, failures: refuseUnsupported(news as Record<string, unknown>) };
    },

    async diff(_id: string, _urn: string, olds: CommandState, news: CommandInputs): Promise<provider.DiffResult> {
        const changed = INPUT_KEYS.filter(
            (key) => !same(olds[key as keyof CommandInputs], news[key as keyof CommandInputs]),
        );
        return { changes: changed.length > 0, replaces: changed.includes("triggers") ? ["triggers"] : [] };
    },

    async create(urn: string, inputs: CommandInputs): Promise<provider.CreateResult> {
        const outputs = inputs.create ? await run(inputs.create, inputs, {}, urn) : { stdout: "", stderr: "" };
        return { id: `${urn.split("::").pop()}-${Date.now().toString(16)}`, outs: { ...inputs, ...outputs } };
    },

    async update(_id: string, urn: string, olds: CommandState, news: CommandInputs): Promise<provider.UpdateResult> {
        const commandLine = news.update ?? news.create;
        const previous = { stdout: olds.stdout ?? "", stderr: olds.stderr ?? "" };
        const outputs = commandLine ? await run(commandLine, news, previous, urn) : previous;
        return { outs: { ...news, ...outputs } };
    },

    async delete(_id: string, urn: string, state: CommandState): Promise<void> {
        if (state.delete) await run(state.delete, inputsOf(state), state, urn);
    },

    async invoke(token: string, inputs: CommandInputs & { command?: string }): Promise<provider.InvokeResult> {
        if (token !== "command:local:run")
            throw new Error(`${token} is not supported by the e2e stand-in for pulumi-resource-command`);
        const failures = refuseUnsupported(inputs as Record<string, unknown>);
        if (failures.length > 0) return { failures };
        const outputs = await run(inputs.command ?? "", inputs, {});
        return { outputs: { ...inputs, ...outputs } };
    },
};

void provider.main(commandProvider, process.argv.slice(2));
