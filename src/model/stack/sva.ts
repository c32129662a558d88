// Owns SVA: process address spaces (mm) bound to devices through SVA domains (to be written; see issue 3).
export {};
