// CI's check that `npm ci` installs no direct dependency its registry marks deprecated: npm warns
// ("npm warn deprecated <name>@<version>: <why>") and goes on, so a user's first install would too.
// Run: node --require ts-node/register/transpile-only test/support/deprecatedDirect.ts <npm ci log>
import * as fs from "fs";
import * as path from "path";

/** The npm ci warnings that name one of `direct`, each line as npm printed it. */
export function deprecatedDirect(log: string, direct: string[]): string[] {
    const deprecated = log.split("\n").filter((line) => /^npm warn deprecated /i.test(line));
    return deprecated.filter((line) =>
        direct.some((name) => line.slice("npm warn deprecated ".length).startsWith(`${name}@`)),
    );
}

function main(logFile: string): number {
    const manifest = JSON.parse(fs.readFileSync(path.join(__dirname, "../../package.json"), "utf8")) as Record<
        string,
        Record<string, string> | undefined
    >;
    const direct = Object.keys({ ...manifest.dependencies, ...manifest.devDependencies });
    const found = deprecatedDirect(fs.readFileSync(logFile, "utf8"), direct);
    for (const line of found) console.error(`ci: a direct dependency is deprecated: ${line}`);
    return found.length === 0 ? 0 : 1;
}

if (require.main === module) process.exit(main(process.argv[2]));
