// A backup the stack's new volumes start with.
import { RestorePoint } from "./restorePoint";

export interface RestoreSource {
    dir: string;
    /** Names this backup: a volume it was restored into says so and is not restored again. */
    backupId: string;
    /** The one head every node is brought to before the chain goes on. */
    point: RestorePoint;
}
