// The images the project runs beside a runtime's (each runtime names its own quorum image).

/**
 * The stock image the project's racecourse app (apps/racecourse) runs on: Node.js 22 LTS, whose
 * built-in fetch the app uses; its user `node` (uid 1000) runs it.
 */
export const RACECOURSE_NODE_IMAGE = "node:22.12.0-alpine";
export const RACECOURSE_NODE_UID = 1000;
