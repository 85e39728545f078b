import type { Findings } from "./findings.js";
import type { Origin } from "./merge.js";
import { checkQuantities } from "./quantities-check.js";
import type { ResolvedService } from "./resolved.js";

/**
 * Volumes and files mount at distinct paths, none inside another (a file
 * inside a scratch directory would hide behind it, or the other way round),
 * never at /tmp (the platform's own scratch directory), and a size limit is a
 * memory quantity.
 */
export function checkMountPaths(
  service: ResolvedService,
  origin: (dotted: string) => Origin,
  findings: Findings,
): void {
  const environment = service.environment;
  const mounts = [
    ...service.volumes.map((v, index) => ({ field: "volumes", index, path: v.path })),
    ...service.files.map((f, index) => ({ field: "files", index, path: f.path })),
  ];
  const at = (field: string, index: number, key: string): Origin => {
    const list = origin(field);
    return { file: list.file, path: [...list.path, index, key] };
  };
  service.volumes.forEach((volume, index) => {
    checkQuantities(
      { memory: volume.emptyDir.sizeLimit },
      () => at("volumes", index, "emptyDir"),
      findings,
      environment,
    );
  });
  mounts.forEach((mount, i) => {
    const clash =
      (mount.path === "/tmp" || mount.path.startsWith("/tmp/")) && mount.field === "volumes"
        ? "/tmp, the platform's own scratch directory"
        : mounts
            .slice(0, i)
            .map((other) => other.path)
            .find((other) => other === mount.path || inside(mount.path, other) || inside(other, mount.path));
    if (clash === undefined) return;
    findings.error(
      "resolve.mount-path",
      `${mount.field}[${mount.index}].path ${mount.path} overlaps ${clash}`,
      at(mount.field, mount.index, "path"),
      {
        environment,
        hint: "give every volume and file its own path, none inside another (files may be under /tmp)",
      },
    );
  });
}

function inside(path: string, directory: string): boolean {
  return path.startsWith(`${directory}/`);
}
