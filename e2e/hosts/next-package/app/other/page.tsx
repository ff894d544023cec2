// The same page without the section as the other Next.js host's.
export { default, metadata } from '../../../next/app/other/page';
