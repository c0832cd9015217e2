// What every npm run tool shares: --help, and its `--name value` options.

/** With --help or -h: prints the tool's usage and exits 0, before the tool does anything. */
export function exitOnHelp(argv: string[], usage: string): void {
    if (!argv.includes("--help") && !argv.includes("-h")) return;
    process.stdout.write(`${usage}\n`);
    process.exit(0);
}

/** The value after --name, if given. */
export function option(argv: string[], name: string): string | undefined {
    const index = argv.indexOf(`--${name}`);
    return index >= 0 ? argv[index + 1] : undefined;
}
