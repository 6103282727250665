import type { WorkloadSpec } from "./spec";

/** The node's data path inside the pod (`/opt/faf/data` on prod), shared back with the node. */
const HOST_DATA = "/host-data";

/**
 * The watchdog: mounts the share, checks it every 30 s (gone, or `ls` hanging for 5 s: mount it
 * again), and unmounts it when the pod stops, so no stale mount outlives its keeper. mount.cifs
 * reads the password from `PASSWD`, so it never shows in the process list.
 */
const WATCHDOG = `set -u
apk add --no-cache cifs-utils >/dev/null
mounted() { grep -q " $MOUNT_TARGET cifs " /proc/mounts; }
answers() { timeout 5 ls "$MOUNT_TARGET" >/dev/null 2>&1; }
mount_share() {
  mkdir -p "$MOUNT_TARGET"
  PASSWD="$CIFS_PASSWORD" mount -t cifs "$CIFS_SERVER" "$MOUNT_TARGET" -o "username=$CIFS_USERNAME,$MOUNT_OPTIONS"
}
release() {
  echo "stopping: unmounting $MOUNT_TARGET"
  umount "$MOUNT_TARGET" 2>/dev/null || umount -l "$MOUNT_TARGET" 2>/dev/null || true
  exit 0
}
trap release TERM INT
until mounted || mount_share; do
  echo "mounting the replay share failed; trying again in 10 s"
  sleep 10 & wait $!
done
echo "replay share mounted at $MOUNT_TARGET"
while true; do
  sleep 30 & wait $!
  if ! mounted; then
    echo "the mount is gone: mounting again"
    mount_share || true
  elif ! answers; then
    echo "the share does not answer: mounting it again"
    umount -l "$MOUNT_TARGET" 2>/dev/null || true
    mount_share || true
  fi
done
`;

/** Ready while the share is mounted: a lost share shows as a pod that is not ready (and alerts). */
const MOUNTED = ["sh", "-c", `grep -q " $MOUNT_TARGET cifs " /proc/mounts`];

export const replayMounter: WorkloadSpec = {
  name: "replay-mounter",
  description: "Keeps FAF's replay share (CIFS) mounted on the node at <dataPath>/replays-old, for the pods that read it",
  namespace: "replayMounter",
  // One keeper per node that holds the data; FAF runs it on prod only (gitops-stack values-prod.yaml).
  controller: "DaemonSet",
  environments: ["prod"],
  image: { repository: "docker.io/library/alpine", tag: "3.23" },
  command: ["sh", "-c", WATCHDOG],
  env: {
    // FAF's mount point and options: read-only, `soft` (a dead server returns errors instead of
    // hanging its readers), SMB 3.0, files owned by uid/gid 1000.
    MOUNT_TARGET: `${HOST_DATA}/replays-old`,
    MOUNT_OPTIONS: "ro,soft,vers=3.0,uid=1000,gid=1000,file_mode=0644,dir_mode=0755",
  },
  // Infisical folder /replay-mounter, as FAF keeps it (gitops-stack's `cifs-credentials`).
  secrets: { keys: ["CIFS_SERVER", "CIFS_USERNAME", "CIFS_PASSWORD"] },
  // The mount must reach the node, and from there the pods that mount the data path's folders
  // with HostToContainer propagation: only Bidirectional propagation carries it back.
  hostPaths: [{ folder: "", mountPath: HOST_DATA, propagation: "Bidirectional" }],
  scratch: [{ mountPath: "/tmp", sizeLimit: "16Mi" }],
  internet: {
    ports: [443, 445],
    reason: "cifs-utils from Alpine's package mirror at start (443), and the replay share's SMB server (445)",
  },
  probes: { readiness: { exec: MOUNTED, periodSeconds: 30, timeoutSeconds: 5 } },
  resources: { requests: { cpu: "10m", memory: "16Mi" }, limits: { memory: "128Mi" } },
  security: {
    exceptions: {
      privileged:
        "mounting a CIFS share needs CAP_SYS_ADMIN, and Kubernetes allows Bidirectional propagation (the mount reaching the node) only with privileged: true",
      hostPath: "the share is mounted into the node's data path, where FAF's replays live, not into a volume of its own",
      writableRootFilesystem: "apk installs cifs-utils (mount.cifs) when the container starts, as FAF's mounter does",
    },
  },
};
