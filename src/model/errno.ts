// Owns the kernel error numbers that operations return (negative, as in the kernel).
export const EFAULT = -14;
export const ENOENT = -2;
export const ENOMEM = -12;
export const EBUSY = -16;
export const EEXIST = -17;
export const ENODEV = -19;
export const EINVAL = -22;
export const ENOSPC = -28;
export const EPERM = -1;
export const ESRCH = -3;
export const EAGAIN = -11;
export const EACCES = -13;
export const ERANGE = -34;
export const EOVERFLOW = -75;

const names: Record<number, string> = {
  [EFAULT]: 'EFAULT', [ENOENT]: 'ENOENT', [ENOMEM]: 'ENOMEM', [EBUSY]: 'EBUSY', [EEXIST]: 'EEXIST',
  [ENODEV]: 'ENODEV', [EINVAL]: 'EINVAL', [ENOSPC]: 'ENOSPC', [EPERM]: 'EPERM', [ESRCH]: 'ESRCH',
  [EAGAIN]: 'EAGAIN', [EACCES]: 'EACCES', [ERANGE]: 'ERANGE', [EOVERFLOW]: 'EOVERFLOW',
};

export function errnoName(v: number): string {
  return v < 0 && names[v] ? `-${names[v]}` : String(v);
}
