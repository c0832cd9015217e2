// What every command-line tool shares: --help, its `--name value` options, the stack it works on,
// one-line refusals and exit codes (0 done, 1 failed, 2 could not start: bad arguments, no stack).
import { StackOutputs } from "./model/outputs";
import { readStackOutputs, StackOutputsMissing } from "./stackOutputs";

/** Arguments the tool cannot work with: named in one line, followed by its usage. */
export class UsageError extends Error {}

export interface Tool {
    /** How its messages start: "backup: ...". */
    name: string;
    usage: string;
    /** The `--name value` options it takes (also written `--name=value`). */
    options?: string[];
    /** The `--name` switches it takes. */
    flags?: string[];
    /** How many plain arguments it takes at most: none unless said, so a stray word is refused. */
    arguments?: number;
    run(args: ToolArgs): Promise<number>;
}

/** The kube context and namespace a tool works in. */
export interface KubeTarget {
    kubeContext: string;
    namespace: string;
}

export class ToolArgs {
    private readonly argv: string[];
    private readonly flags: Set<string>;

    /** Refuses an option or an argument the tool does not take: a typo must not fall back to a default stack. */
    constructor(
        readonly tool: string,
        argv: string[],
        options: string[] = [],
        flags: string[] = [],
        maxArguments = 0,
    ) {
        this.flags = new Set(flags.map((flag) => `--${flag}`));
        this.argv = argv.flatMap((arg) => (/^--[^=]+=/.test(arg) ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)] : [arg]));
        const known = [...options.map((option) => `--${option}`), ...this.flags];
        const unknown = this.argv.filter((arg, i) => arg.startsWith("--") && !known.includes(arg) && !this.takesValue(i - 1, options));
        if (unknown.length > 0) throw new UsageError(`unknown option ${unknown[0]}${known.length > 0 ? ` (it takes ${known.join(", ")})` : ""}`);
        const extra = this.positional().slice(maxArguments);
        if (extra.length > 0) throw new UsageError(`unexpected argument ${extra[0]}`);
    }

    private takesValue(index: number, options: string[]): boolean {
        return index >= 0 && options.includes(this.argv[index].replace(/^--/, ""));
    }

    /** The value after --name, if given. */
    option(name: string): string | undefined {
        const index = this.argv.indexOf(`--${name}`);
        if (index < 0) return undefined;
        const value = this.argv[index + 1];
        if (value === undefined || value.startsWith("--")) throw new UsageError(`--${name} needs a value`);
        return value;
    }

    flag(name: string): boolean {
        return this.argv.includes(`--${name}`);
    }

    /** The arguments that are neither options nor their values. */
    positional(): string[] {
        return this.argv.filter((arg, i) => !arg.startsWith("--") && !(this.argv[i - 1]?.startsWith("--") && !this.flags.has(this.argv[i - 1])));
    }

    /** A whole number of --name (or its default) from min up. */
    count(name: string, fallback: number, min = 1): number {
        const text = this.option(name) ?? String(fallback);
        if (!/^\d+$/.test(text) || Number(text) < min) throw new UsageError(`--${name} must be a whole number from ${min}, not "${text}"`);
        return Number(text);
    }

    /** A Pulumi step's input: the environment carries values that no shell may read as code. */
    env(name: string): string {
        const value = process.env[name];
        if (!value) throw new UsageError(`environment variable ${name} is not set (this phase is run by pulumi up)`);
        return value;
    }

    /** --stack NAME, else $STACK, else Pulumi's selected stack. */
    stackName(): string | undefined {
        return this.option("stack") ?? process.env.STACK;
    }

    /** The outputs of that stack: the network the tool works on. */
    stack(): StackOutputs {
        return readStackOutputs(this.tool, this.stackName());
    }

    /** --context and --namespace when both are given, else the stack's. */
    kubeTarget(): KubeTarget {
        const [kubeContext, namespace] = [this.option("context"), this.option("namespace")];
        if ((kubeContext || namespace) && this.option("stack")) throw new UsageError("give --stack, or --context and --namespace, not both");
        if (kubeContext && namespace) return { kubeContext, namespace };
        if (kubeContext || namespace) throw new UsageError("give --context and --namespace together, or neither (the stack's are used)");
        return this.stack();
    }
}

/** Prints the usage and exits 0 with --help or -h; otherwise runs the tool and exits with its code. */
export function runTool(tool: Tool, argv: string[] = process.argv.slice(2)): void {
    if (argv.includes("--help") || argv.includes("-h")) {
        process.stdout.write(`${tool.usage}\n`);
        process.exit(0);
    }
    const refuse = (line: string, code: number) => {
        console.error(line);
        process.exit(code);
    };
    const run = async () => tool.run(new ToolArgs(tool.name, argv, tool.options, tool.flags, tool.arguments));
    run().then(
        (code) => process.exit(code),
        (error: Error) => {
            if (error instanceof UsageError) refuse(`${tool.name}: ${error.message}\n${tool.usage}`, 2);
            else if (error instanceof StackOutputsMissing) refuse(error.message, 2);
            else refuse(`${tool.name}: ${error.message}`, 1);
        },
    );
}
