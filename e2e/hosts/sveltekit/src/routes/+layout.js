// Every page server-rendered, then hydrated.
export const ssr = true;
