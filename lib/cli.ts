// What every command-line tool shares: --help, its `--name value` options, the stack it works on,
// one-line refusals and exit codes (0 done, 1 failed, 2 could not start: bad arguments, no stack).
import { StackOutputs } from "./model/outputs";
import { readStackOutputs, selectedStack, StackChoice, StackOutputsMissing, StackSource } from "./stackOutputs";

/** Arguments the tool cannot work with: named in one line, followed by its usage. */
export class UsageError extends Error {}

/** The stack of a project in which none is chosen: the README's first network. */
export const DEFAULT_STACK = "dev";
/** Pulumi's stack names, optionally qualified as org/project/stack; nothing that could leave the project folder. */
const STACK_NAME = /^[A-Za-z0-9_-][A-Za-z0-9_.-]*(\/[A-Za-z0-9_-][A-Za-z0-9_.-]*){0,2}$/;

/** --stack NAME, else $STACK, else the stack Pulumi has selected, else dev: the same for every tool, up and destroy included. */
export function chooseStack(
    option: string | undefined,
    environment: string | undefined,
    selected: () => string | undefined,
): StackChoice {
    const given: StackChoice | undefined =
        option !== undefined
            ? { name: option, source: "--stack" }
            : environment
              ? { name: environment, source: "$STACK" }
              : undefined;
    if (given && !STACK_NAME.test(given.name)) {
        const what = given.source === "--stack" ? "--stack" : "STACK";
        throw new UsageError(`${what} "${given.name}" is not a stack name (letters, digits, '-', '_' and '.')`);
    }
    if (given) return given;
    const current = selected();
    return current ? { name: current, source: "selected" } : { name: DEFAULT_STACK, source: "default" };
}

/** A tool's first line: the stack it works on, and why that one. */
export function stackLine(tool: string, choice: StackChoice): string {
    const why: Record<StackSource, string> = {
        "--stack": "",
        $STACK: " (from $STACK)",
        selected: " (selected)",
        default: " (no stack is selected: the default)",
    };
    return `${tool}: stack ${choice.name}${why[choice.source]}`;
}

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
    private choice?: StackChoice;

    /** Refuses an option or an argument the tool does not take: a typo must not fall back to a default stack. */
    constructor(
        readonly tool: string,
        argv: string[],
        options: string[] = [],
        flags: string[] = [],
        maxArguments = 0,
    ) {
        this.flags = new Set(flags.map((flag) => `--${flag}`));
        this.argv = argv.flatMap((arg) =>
            /^--[^=]+=/.test(arg) ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)] : [arg],
        );
        const known = [...options.map((option) => `--${option}`), ...this.flags];
        const unknown = this.argv.filter(
            (arg, i) => arg.startsWith("--") && !known.includes(arg) && !this.takesValue(i - 1, options),
        );
        if (unknown.length > 0)
            throw new UsageError(
                `unknown option ${unknown[0]}${known.length > 0 ? ` (it takes ${known.join(", ")})` : ""}`,
            );
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
        return this.argv.filter(
            (arg, i) =>
                !arg.startsWith("--") && !(this.argv[i - 1]?.startsWith("--") && !this.flags.has(this.argv[i - 1])),
        );
    }

    /** A whole number of --name (or its default) from min up. */
    count(name: string, fallback: number, min = 1): number {
        const text = this.option(name) ?? String(fallback);
        if (!/^\d+$/.test(text) || Number(text) < min)
            throw new UsageError(`--${name} must be a whole number from ${min}, not "${text}"`);
        return Number(text);
    }

    /** A Pulumi step's input: the environment carries values that no shell may read as code. */
    env(name: string): string {
        const value = process.env[name];
        if (!value) throw new UsageError(`environment variable ${name} is not set (this phase is run by pulumi up)`);
        return value;
    }

    /** The stack the tool works on, chosen once (chooseStack). */
    stackChoice(): StackChoice {
        this.choice ??= chooseStack(this.option("stack"), process.env.STACK, () => selectedStack(this.tool));
        return this.choice;
    }

    stackName(): string {
        return this.stackChoice().name;
    }

    /** The outputs of that stack, named in the tool's first line: the network the tool works on. */
    stack(): StackOutputs {
        const choice = this.stackChoice();
        console.error(stackLine(this.tool, choice));
        return readStackOutputs(this.tool, choice);
    }

    /** --context and --namespace when both are given, else the stack's. */
    kubeTarget(): KubeTarget {
        const [kubeContext, namespace] = [this.option("context"), this.option("namespace")];
        if ((kubeContext || namespace) && this.option("stack"))
            throw new UsageError("give --stack, or --context and --namespace, not both");
        if (kubeContext && namespace) return { kubeContext, namespace };
        if (kubeContext || namespace)
            throw new UsageError("give --context and --namespace together, or neither (the stack's are used)");
        return this.stack();
    }
}

/** What a tool that hands the rest to pulumi (up, destroy) takes itself: --stack NAME (pulumi's -s too) and its `flags`. */
export interface OwnArguments {
    stack?: string;
    flags: Set<string>;
    /** For pulumi, as given. */
    rest: string[];
}

export function ownArguments(argv: string[], flags: string[]): OwnArguments {
    const own: OwnArguments = { flags: new Set(), rest: [] };
    for (let i = 0; i < argv.length; i++) {
        const inline = /^--stack=/.test(argv[i]) ? argv[i].slice("--stack=".length) : undefined;
        if (inline !== undefined || argv[i] === "--stack" || argv[i] === "-s") {
            const value = inline ?? argv[++i];
            if (value === undefined || value.startsWith("-")) throw new UsageError("--stack needs a value");
            own.stack = value;
        } else if (flags.some((flag) => argv[i] === `--${flag}`)) own.flags.add(argv[i].slice(2));
        else own.rest.push(argv[i]);
    }
    return own;
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
