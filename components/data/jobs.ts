import { restrictedJobContainerSecurity } from "../lib/kube";
import { claimName, type VolumeKey } from "../cluster/storage-table";
import { contentHash } from "../lib/hash";
import type { KubeObject } from "../lib/kube";
import { dataLabels } from "./common";

/** Where a data job mounts its backups volume. */
export const BACKUPS_MOUNT = "/backups";

/** An environment variable of a data job: a literal, or a key of a Secret in the job's namespace. */
export type JobEnv = { name: string; value: string } | { name: string; secret: { name: string; key: string } };

/**
 * A setup job's view of the user it makes: name, its one database, and the password from the
 * credentials Secret copied from the app's key.
 */
export function userEnv(user: { user: string; grants: readonly { database: string }[] }, credentials: string): JobEnv[] {
  return [
    { name: "DB_USER", value: user.user },
    { name: "DB_NAME", value: user.grants[0]?.database ?? user.user },
    { name: "DB_PASSWORD", secret: { name: credentials, key: "password" } },
  ];
}

export interface DataJob {
  /** The data service it belongs to (labels, NetworkPolicy). */
  service: string;
  /** Short role: `user-wikijs`, `backup`, `restore`. */
  role: string;
  namespace: string;
  image: string;
  /** A POSIX shell script, run with `sh -c` under `set -eu`. */
  script: string;
  env: JobEnv[];
  /** The official images' database user; the jobs never run as root. */
  uid: number;
  /** A managed volume mounted at {@link BACKUPS_MOUNT}. */
  backups?: VolumeKey;
}

function pod(job: DataJob) {
  return {
    metadata: { labels: dataLabels(job.service, job.role.split("-")[0] ?? job.role) },
    spec: {
      restartPolicy: "Never",
      // The server's own ServiceAccount (no API access; the token is not mounted).
      serviceAccountName: job.service,
      automountServiceAccountToken: false,
      enableServiceLinks: false,
      securityContext: {
        runAsNonRoot: true,
        runAsUser: job.uid,
        runAsGroup: job.uid,
        fsGroup: job.uid,
        fsGroupChangePolicy: "OnRootMismatch",
        seccompProfile: { type: "RuntimeDefault" },
      },
      containers: [
        {
          name: job.role.split("-")[0] ?? job.role,
          image: job.image,
          imagePullPolicy: "IfNotPresent",
          command: ["sh", "-c", `set -eu\n${job.script}`],
          env: [
            { name: "HOME", value: "/tmp" },
            ...job.env.map((e) =>
              "secret" in e ? { name: e.name, valueFrom: { secretKeyRef: { name: e.secret.name, key: e.secret.key } } } : e,
            ),
          ],
          resources: { requests: { cpu: "50m", memory: "128Mi" }, limits: { memory: "1Gi" } },
          securityContext: restrictedJobContainerSecurity(),
          volumeMounts: [
            { name: "tmp", mountPath: "/tmp" },
            ...(job.backups ? [{ name: "backups", mountPath: BACKUPS_MOUNT }] : []),
          ],
        },
      ],
      volumes: [
        { name: "tmp", emptyDir: { sizeLimit: "256Mi" } },
        ...(job.backups ? [{ name: "backups", persistentVolumeClaim: { claimName: claimName(job.backups) } }] : []),
      ],
    },
  };
}

/**
 * A one-shot Job whose name carries a hash of its content: a changed script or user runs it
 * again, an unchanged one is left alone. Pure.
 */
export function dataJob(job: DataJob, activeDeadlineSeconds = 600, ttlSecondsAfterFinished?: number): KubeObject {
  const template = pod(job);
  return {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: {
      name: `${job.service}-${job.role}-${contentHash(template)}`,
      namespace: job.namespace,
      labels: dataLabels(job.service, job.role.split("-")[0] ?? job.role),
    },
    // Jobs the program owns stay until replaced (a deleted one would come back on `pulumi up
    // --refresh`); a restore applied by hand cleans itself up.
    spec: { backoffLimit: 3, activeDeadlineSeconds, ...(ttlSecondsAfterFinished ? { ttlSecondsAfterFinished } : {}), template },
  };
}

/** The same pod on a schedule; one run at a time, a missed run is not made up twice. Pure. */
export function dataCronJob(job: DataJob, schedule: string): KubeObject {
  return {
    apiVersion: "batch/v1",
    kind: "CronJob",
    metadata: { name: `${job.service}-${job.role}`, namespace: job.namespace, labels: dataLabels(job.service, job.role) },
    spec: {
      schedule,
      timeZone: "Etc/UTC",
      concurrencyPolicy: "Forbid",
      startingDeadlineSeconds: 3600,
      successfulJobsHistoryLimit: 3,
      failedJobsHistoryLimit: 3,
      jobTemplate: { spec: { backoffLimit: 2, activeDeadlineSeconds: 6 * 3600, template: pod(job) } },
    },
  };
}
