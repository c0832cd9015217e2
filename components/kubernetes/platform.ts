import * as pulumi from "@pulumi/pulumi";
import { readPlainFile } from "../../lib/files/plainFiles";
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
        // Into a ConfigMap: read as every file that enters the cluster is, a regular file and no link.
        this.seedScript = readPlainFile(settings.projectDir, "scripts/node-seed.sh").toString("utf8");
    }

    prepare(): void {}

    membersDeclared(): void {}

    imagesReady(): pulumi.Resource[] {
        return [];
    }

    ingressReady(): pulumi.Resource[] {
        return [];
    }

    storage(name: string, request: MemberStorageRequest, opts: pulumi.ComponentResourceOptions): MemberStorage {
        const { storageClassName, volumeSize, seedImage, imagePullPolicy } = this.settings;
        const seedId = this.seedId(request.member, request.runtimeName);
        return new SeededClaim(
            name,
            {
                ...request,
                seedId,
                storageClassName,
                volumeSize,
                seedImage,
                imagePullPolicy,
                seedScript: this.seedScript,
            },
            opts,
        );
    }

    seedId(member: QdataMember, runtimeName?: string): string {
        return seedIdAt(member, `pvc:${claimName(member.index)}`, runtimeName);
    }
}
