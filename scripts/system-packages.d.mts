export interface SystemPackage {
  name: string;
  why: string;
  paths?: () => (string | undefined)[];
}
export const SYSTEM_PACKAGES: SystemPackage[];
export function missingPackages(): string[];
export function aptLine(names: string[]): string;
