export const STORAGE_ACCOUNT_TYPE = "azure-native:storage:StorageAccount";

/** TLS versions StorageAccount.minimumTlsVersion accepts that meet "TLS 1.2 or later". */
export const SECURE_TLS_VERSIONS = ["TLS1_2", "TLS1_3"];
