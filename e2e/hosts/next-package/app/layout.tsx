// The same dashboard layout as the other Next.js host's: navigation, the host's global CSS.
export { default, metadata } from '../../next/app/layout';
