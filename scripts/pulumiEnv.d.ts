export declare const ROOT: string;
export declare const TOOLS_BIN: string;
export declare const PULUMI_VERSION: string;
export declare const LOCAL_PASSPHRASE: string;
export declare function pulumiEnv(opts?: { backendDir?: string; extraPath?: string[]; base?: NodeJS.ProcessEnv }): NodeJS.ProcessEnv;
