CREATE TABLE "forgery_reports" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"reference" text NOT NULL,
	"received_at" timestamp with time zone NOT NULL,
	"entrance" text NOT NULL,
	"verdict" text NOT NULL,
	"checks" jsonb NOT NULL,
	"extract_id" uuid,
	"credential_id" text,
	"file_sha256" text,
	"file" "bytea",
	"message" text NOT NULL,
	"contact" text,
	"lang" text NOT NULL,
	"state" text DEFAULT 'received' NOT NULL,
	CONSTRAINT "forgery_reports_reference_unique" UNIQUE("reference"),
	CONSTRAINT "forgery_reports_state" CHECK ("forgery_reports"."state" in ('received'))
);
--> statement-breakpoint
CREATE TABLE "verification_results" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"token_hash" text NOT NULL,
	"entrance" text NOT NULL,
	"verdict" text NOT NULL,
	"checks" jsonb NOT NULL,
	"extract_id" uuid,
	"credential_id" text,
	"file_sha256" text,
	"file" "bytea",
	"created_at" timestamp with time zone NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	CONSTRAINT "verification_results_token_hash_unique" UNIQUE("token_hash"),
	CONSTRAINT "verification_results_entrance" CHECK ("verification_results"."entrance" in ('qr', 'number', 'upload', 'api')),
	CONSTRAINT "verification_results_verdict" CHECK ("verification_results"."verdict" in ('authentic', 'revoked', 'superseded', 'suspended', 'not_authentic', 'unknown'))
);
--> statement-breakpoint
ALTER TABLE "forgery_reports" ADD CONSTRAINT "forgery_reports_extract_id_extracts_id_fk" FOREIGN KEY ("extract_id") REFERENCES "public"."extracts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "verification_results" ADD CONSTRAINT "verification_results_extract_id_extracts_id_fk" FOREIGN KEY ("extract_id") REFERENCES "public"."extracts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "forgery_reports_received_idx" ON "forgery_reports" USING btree ("received_at");--> statement-breakpoint
CREATE INDEX "verification_results_expires_idx" ON "verification_results" USING btree ("expires_at");