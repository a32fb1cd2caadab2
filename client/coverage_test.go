package client

import (
	"encoding/json"
	"os"
	"reflect"
	"slices"
	"testing"
)

// operations maps every operationId of internal/api/openapi.json to the
// Client method that calls it. TestEveryOperationHasAMethod fails when the
// document gains an operation this map does not name (write the method,
// then add the line) or names one the client lacks.
var operations = map[string]string{
	"healthz":    "Healthz",
	"readyz":     "Readyz",
	"metrics":    "Metrics",
	"getOpenAPI": "OpenAPI",

	"login":          "Login",
	"logout":         "Logout",
	"getMe":          "Me",
	"changePassword": "ChangePassword",

	"getNotificationSettings": "NotificationSettings",
	"putNotificationSettings": "SetNotificationSettings",
	"listTokens":              "ListTokens",
	"createToken":             "CreateToken",
	"revokeToken":             "RevokeToken",

	"submitPresales": "SubmitPresales",

	"listRequests":       "ListRequests",
	"createRequest":      "CreateRequest",
	"getRequest":         "GetRequest",
	"updateRequest":      "UpdateRequest",
	"reopenRequest":      "Reopen",
	"listMessages":       "ListMessages",
	"addMessage":         "PostMessage",
	"listAttachments":    "ListAttachments",
	"uploadAttachment":   "UploadAttachment",
	"downloadAttachment": "DownloadAttachment",
	"getRequestHistory":  "RequestHistory",
	"getQueue":           "Queue",
	"streamEvents":       "StreamEvents",
	"getRequestSLA":      "RequestClocks",

	"listOrganizations":      "ListOrganizations",
	"createOrganization":     "CreateOrganization",
	"getOrganization":        "GetOrganization",
	"updateOrganization":     "UpdateOrganization",
	"listUsers":              "ListUsers",
	"createUser":             "CreateUser",
	"getUser":                "GetUser",
	"updateUser":             "UpdateUser",
	"listSubscriptions":      "ListSubscriptions",
	"createSubscription":     "CreateSubscription",
	"updateSubscription":     "UpdateSubscription",
	"listPartnerGrants":      "ListPartnerGrants",
	"createPartnerGrant":     "GrantPartner",
	"revokePartnerGrant":     "RevokePartnerGrant",
	"getOrganizationHistory": "OrganizationHistory",

	"listCanned":            "ListCanned",
	"createCanned":          "CreateCanned",
	"updateCanned":          "UpdateCanned",
	"deleteCanned":          "DeleteCanned",
	"listNotifications":     "ListNotifications",
	"listMailboxes":         "ListMailboxes",
	"createMailbox":         "CreateMailbox",
	"getMailbox":            "Mailbox",
	"updateMailbox":         "UpdateMailbox",
	"deleteMailbox":         "DeleteMailbox",
	"listInboundMails":      "ListInboundMails",
	"getInboundMailRaw":     "InboundMailRaw",
	"markNotificationsRead": "MarkNotificationsRead",

	"getSLAPolicy":        "GetSLAPolicy",
	"putSLAPolicy":        "PutSLAPolicy",
	"getSLAPolicyVersion": "GetSLAPolicyVersion",
	"previewSLA":          "PreviewSLA",
	"listCalendars":       "ListCalendars",
	"createCalendar":      "CreateCalendar",
	"getCalendar":         "GetCalendar",
	"updateCalendar":      "UpdateCalendar",
	"importHolidays":      "ImportHolidays",
	"getHolidayFeed":      "HolidayFeed",

	"listPlans":     "ListPlans",
	"createPlan":    "CreatePlan",
	"listProducts":  "ListProducts",
	"createProduct": "CreateProduct",

	"listWebhooks":        "ListWebhooks",
	"createWebhook":       "CreateWebhook",
	"getWebhook":          "GetWebhook",
	"updateWebhook":       "UpdateWebhook",
	"deleteWebhook":       "DeleteWebhook",
	"rotateWebhookSecret": "RotateWebhookSecret",
	"pingWebhook":         "PingWebhook",
	"listWebhookAttempts": "ListWebhookAttempts",
	"listOutbox":          "ListOutbox",
	"countOutbox":         "OutboxCounts",
	"retryDelivery":       "RetryDelivery",
}

// operation is one operation of the OpenAPI document.
type operation struct {
	ID, Method, Path string
}

// documentOperations reads the operations of the API's OpenAPI document.
func documentOperations(t testing.TB) []operation {
	t.Helper()
	b, err := os.ReadFile("../internal/api/openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	var ops []operation
	for path, item := range doc.Paths {
		for method, raw := range item {
			if !slices.Contains([]string{"get", "put", "post", "delete", "patch", "head", "options", "trace"}, method) {
				continue // parameters, summary…
			}
			var op struct {
				OperationID string `json:"operationId"`
			}
			if err := json.Unmarshal(raw, &op); err != nil {
				t.Fatal(err)
			}
			if op.OperationID == "" {
				t.Errorf("%s %s has no operationId", method, path)
			}
			ops = append(ops, operation{op.OperationID, method, path})
		}
	}
	return ops
}

func TestEveryOperationHasAMethod(t *testing.T) {
	ops := documentOperations(t)
	if len(ops) < 60 {
		t.Fatalf("read %d operations; is the document's path right?", len(ops))
	}
	ct := reflect.TypeFor[*Client]()
	seen := map[string]bool{}
	for _, op := range ops {
		seen[op.ID] = true
		name, ok := operations[op.ID]
		if !ok {
			t.Errorf("operation %s (%s %s) has no client method: write one and name it in operations", op.ID, op.Method, op.Path)
			continue
		}
		if _, ok := ct.MethodByName(name); !ok {
			t.Errorf("operation %s maps to %s, which *Client does not have", op.ID, name)
		}
	}
	for id := range operations {
		if !seen[id] {
			t.Errorf("operations names %s, which the OpenAPI document no longer has", id)
		}
	}
}
