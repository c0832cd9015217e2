import * as pulumi from "@pulumi/pulumi";

/**
 * An error whose message is all the user needs: a RunError, so Pulumi prints only the message,
 * and without a stack, because mapping one through ts-node's source maps took the real CLI 30 s
 * of CPU before the user saw anything.
 */
export class UserError extends pulumi.RunError {
    constructor(message: string) {
        super(message);
        this.name = "UserError";
        this.stack = "";
    }
}
