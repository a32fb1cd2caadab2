// Compiled by scripts/check-openapi-clients.sh against the types
// openapi-typescript generates (api.d.ts): each request body is built the way a
// caller writes it, with only the required fields, so a field the server
// defaults (contact_method, language, time_zone, warn_share…) must stay optional
// in the generated types.
import type { components, paths } from "./api";

type Schemas = components["schemas"];

export const newRequest: Schemas["NewRequest"] = {
  category: "technical",
  title: "The export fails",
  description: "Since this morning every export ends with an error.",
};

export const newMessage: Schemas["NewMessage"] = { body: "Thanks, that worked." };

export const newOrganization: Schemas["NewOrganization"] = {
  kind: "customer",
  name: "Fabrikam GmbH",
};

export const newUser: Schemas["NewUser"] = {
  email: "ada@example.com",
  name: "Ada",
  role: "agent",
};

export const newCanned: Schemas["NewCanned"] = { name: "Thanks", body: "Thank you." };

export const newSubscription: Schemas["NewSubscription"] = { plan_code: "business" };

export const newPlan: Schemas["NewPlan"] = {
  code: "business",
  name: "Business",
  family: "business",
};

export const newCalendar: Schemas["NewCalendar"] = {
  name: "Around the clock",
  spec: { type: "24x7" },
};

export const policy: Schemas["Policy"] = { version: 1, initial_response: {} };

export const metricTargets: Schemas["MetricTargets"] = {};

// The body of an operation is the schema above, through the paths table.
export const created: paths["/api/v1/requests"]["post"]["requestBody"] = {
  content: { "application/json": newRequest },
};

// Answers: a field the server always sends is required, so it reads without a check.
export function firstNumber(page: Schemas["RequestPage"]): string {
  return page.items[0].number;
}
