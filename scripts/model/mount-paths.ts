import type { Findings } from "./findings.js";
import type { Origin } from "./merge.js";
import { checkQuantities } from "./quantities-check.js";
import type { ResolvedService } from "./resolved.js";

/**
 * Volumes, files and volume dependencies mount at distinct paths, none inside another (a file
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
  const at = (field: string, index: number, key: string): Origin => {
    const list = origin(field);
    return { file: list.file, path: [...list.path, index, key] };
  };
  const mounts = [
    ...service.volumes.map((v, index) => ({
      label: `volumes[${index}].path`,
      scratch: true,
      path: v.path,
      where: () => at("volumes", index, "path"),
    })),
    ...service.files.map((f, index) => ({
      label: `files[${index}].path`,
      scratch: false,
      path: f.path,
      where: () => at("files", index, "path"),
    })),
    ...service.dependencies.flatMap((d) =>
      d.path === undefined
        ? []
        : [
            {
              label: `dependencies.${d.name}.path`,
              scratch: true,
              path: d.path,
              where: () => origin(`dependencies.${d.name}.path`),
            },
          ],
    ),
  ];
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
      (mount.path === "/tmp" || mount.path.startsWith("/tmp/")) && mount.scratch
        ? "/tmp, the platform's own scratch directory"
        : mounts
            .slice(0, i)
            .map((other) => other.path)
            .find((other) => other === mount.path || inside(mount.path, other) || inside(other, mount.path));
    if (clash === undefined) return;
    findings.error("resolve.mount-path", `${mount.label} ${mount.path} overlaps ${clash}`, mount.where(), {
      environment,
      hint: "give every volume and file its own path, none inside another (files may be under /tmp)",
    });
  });
}

function inside(path: string, directory: string): boolean {
  return path.startsWith(`${directory}/`);
}
