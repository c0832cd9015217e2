// CI refuses an install whose direct dependencies the registry marks deprecated.
import { strict as assert } from "assert";
import { deprecatedDirect } from "./support/deprecatedDirect";

describe("CI's deprecated-dependency check", () => {
    const log = [
        "npm warn deprecated @pulumi/command@4.5.0: this version has been deprecated",
        "npm warn deprecated inflight@1.0.6: This module is not supported, and leaks memory.",
        "added 512 packages in 20s",
    ].join("\n");

    it("names a direct dependency npm warns is deprecated, as npm printed it", () => {
        assert.deepEqual(deprecatedDirect(log, ["@pulumi/command", "@pulumi/pulumi"]), [
            "npm warn deprecated @pulumi/command@4.5.0: this version has been deprecated",
        ]);
    });

    it("leaves a deprecated transitive dependency and a package whose name only begins the same", () => {
        assert.deepEqual(deprecatedDirect(log, ["@pulumi/pulumi", "inflight-x", "@pulumi/comm"]), []);
    });
});
