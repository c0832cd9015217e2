// A backup the stack's new volumes start with.

export interface RestoreSource {
    dir: string;
    /** Names this backup: a volume it was restored into says so and is not restored again. */
    backupId: string;
}
