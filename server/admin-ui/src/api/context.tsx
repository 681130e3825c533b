import { createContext, useContext } from 'react';
import type { Api } from './client';

const ApiContext = createContext<Api | null>(null);

/** Provides the signed-in API client to every page. */
export const ApiProvider = ApiContext.Provider;

/** The signed-in API client; pages render only after sign-in, so it is always there. */
export function useApi(): Api {
  const api = useContext(ApiContext);
  if (!api) throw new Error('useApi outside ApiProvider');
  return api;
}
