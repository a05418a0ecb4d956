// What the product allows and assumes (the core's `limits` request), for every screen: the UI
// writes no bounds or defaults of its own. Loaded once by App before any screen shows.
import { createContext, useContext } from "react";
import type { Limits } from "../api/types";

export const LimitsContext = createContext<Limits | null>(null);

export function useLimits(): Limits {
  const limits = useContext(LimitsContext);
  if (!limits) throw new Error("useLimits outside LimitsContext: App provides it once loaded");
  return limits;
}
