// The `machine` scoped settings (package.json), in a module without `vscode` so the unit tests can hold
// this list against package.json: a setting added there but not here would be read from a workspace.

/** The `machine` scoped settings: never taken from a workspace. */
export const MACHINE_SETTINGS = ['launcherPath', 'chrootEnv', 'allowCaps', 'agentConfigFile', 'allowHostNamespaces', 'allowRawExec', 'hostVolumes', 'userDenylist', 'templateValues'] as const;
