/** n8n resolves icon paths relative to Soniox.node.js, for the wrapper and every version. */
export const SONIOX_ICON = { light: 'file:soniox.svg', dark: 'file:soniox.dark.svg' } as const;
