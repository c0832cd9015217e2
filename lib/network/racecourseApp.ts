// The project's racecourse app (apps/racecourse): its files, which a ConfigMap carries into the
// stock Node.js image, and the command that runs it there.
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";

const APP_DIR = path.join(__dirname, "..", "..", "apps", "racecourse");
const APP_FILES = ["server.js", "index.html"];
export const RACECOURSE_APP_MOUNT = "/app";
export const RACECOURSE_APP_COMMAND = ["node", `${RACECOURSE_APP_MOUNT}/server.js`];

/** File name to content, as the ConfigMap's data. */
export function racecourseAppFiles(): Record<string, string> {
    return Object.fromEntries(APP_FILES.map((file) => [file, fs.readFileSync(path.join(APP_DIR, file), "utf8")]));
}

/** Changes with any file, so a new app rolls the Deployment's pod. */
export function racecourseAppChecksum(files: Record<string, string>): string {
    const hash = createHash("sha256");
    for (const [name, content] of Object.entries(files).sort(([a], [b]) => a.localeCompare(b)))
        hash.update(`${name}\0${content}\0`);
    return hash.digest("hex").slice(0, 16);
}
