export { compareQuantities, minQuantity, parseQuantity } from "./quantity.js";
export type { Quantity } from "./quantity.js";
export { ResourceAmountError } from "./resource-error.js";
export { checkTaskResourceAttributes, effectiveTaskResources, resourceFieldName } from "./task-resources.js";
export type { ResourceAmount, TaskResourceBounds, TaskResourceRequirements } from "./task-resources.js";
