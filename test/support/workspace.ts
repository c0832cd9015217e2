// A temporary project folder holding generated keys (fast scrypt cost) for program runs.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ensureGeneratedQdata } from "../../lib/keygen";

export const TEST_SCRYPT_N = 1024;

export function makeProjectDir(): string {
    return fs.mkdtempSync(path.join(os.tmpdir(), "kq-project-"));
}

/** Pre-generates .keys/<stack> the way the program would, with a cheap scrypt cost. */
export function pregenerateKeys(projectDir: string, stack: string, nodeCount: number): string {
    const dir = path.join(projectDir, ".keys", stack);
    ensureGeneratedQdata({ dir, nodeCount, password: "", chainId: 3543006677, gasLimit: "0x2FEFD800", scryptN: TEST_SCRYPT_N });
    return dir;
}
