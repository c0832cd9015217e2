import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { QdataMember } from "../../lib/model/qdata";
import { claimName } from "../../lib/network/names";
import { seedIdAt } from "../../lib/network/workload";
import { MemberStorage, MemberStorageRequest, Platform } from "../network/platform";
import { SeededClaim } from "./seededClaim";

export interface ClusterSettings {
    /** Undefined: the cluster's default StorageClass. */
    storageClassName?: string;
    volumeSize: string;
    seedImage: string;
    imagePullPolicy: string;
    /** The project folder, where scripts/node-seed.sh lives. */
    projectDir: string;
}

/** Any cluster: dynamically provisioned PVCs seeded in the pod from a Secret and a ConfigMap; nodes spread over hosts. */
export class ClusterPlatform implements Platform {
    readonly spreadsNodes = true;
    private readonly seedScript: string;

    constructor(private readonly settings: ClusterSettings) {
        this.seedScript = fs.readFileSync(path.join(settings.projectDir, "scripts", "node-seed.sh"), "utf8");
    }

    prepare(): void {}

    imagesReady(): pulumi.Resource[] {
        return [];
    }

    ingressReady(): pulumi.Resource[] {
        return [];
    }

    storage(name: string, request: MemberStorageRequest, opts: pulumi.ComponentResourceOptions): MemberStorage {
        const { storageClassName, volumeSize, seedImage, imagePullPolicy } = this.settings;
        const seedId = this.seedId(request.member, request.runtimeName);
        return new SeededClaim(name, { ...request, seedId, storageClassName, volumeSize, seedImage, imagePullPolicy, seedScript: this.seedScript }, opts);
    }

    seedId(member: QdataMember, runtimeName?: string): string {
        return seedIdAt(member, `pvc:${claimName(member.index)}`, runtimeName);
    }
}
