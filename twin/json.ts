// The one "any JSON value" type of the twin, in a file of its own so that every module can use it
// without importing the state store (which imports the job and fault types back).
export type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any
