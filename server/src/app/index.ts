/** The composition root: builds and owns every resource of a server instance. */
export { startServer, type StartOptions, type RunningServer } from './start';
