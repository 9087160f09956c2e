CREATE TYPE "public"."extract_state" AS ENUM('active', 'withdrawn', 'revoked', 'superseded');--> statement-breakpoint
CREATE TYPE "public"."status_purpose" AS ENUM('revocation', 'suspension');--> statement-breakpoint
CREATE TABLE "extracts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"number" text NOT NULL,
	"secret_hash" text NOT NULL,
	"diploma_id" uuid NOT NULL,
	"lang" text NOT NULL,
	"issued_at" timestamp with time zone NOT NULL,
	"issued_by" text NOT NULL,
	"credential_id" text NOT NULL,
	"revocation_list" text NOT NULL,
	"revocation_index" integer NOT NULL,
	"suspension_list" text NOT NULL,
	"suspension_index" integer NOT NULL,
	"pdf_sha256" text NOT NULL,
	"state" "extract_state" DEFAULT 'active' NOT NULL,
	"state_changed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "login_attempts" (
	"state" text PRIMARY KEY NOT NULL,
	"nonce" text NOT NULL,
	"code_verifier" text NOT NULL,
	"return_to" text NOT NULL,
	"lang" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sessions" (
	"token_hash" text PRIMARY KEY NOT NULL,
	"subject_id" text NOT NULL,
	"csrf_token" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"expires_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "status_lists" (
	"id" text PRIMARY KEY NOT NULL,
	"purpose" "status_purpose" NOT NULL,
	"size" integer NOT NULL,
	"bits" "bytea" NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "extracts" ADD CONSTRAINT "extracts_diploma_id_diplomas_id_fk" FOREIGN KEY ("diploma_id") REFERENCES "public"."diplomas"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "extracts" ADD CONSTRAINT "extracts_revocation_list_status_lists_id_fk" FOREIGN KEY ("revocation_list") REFERENCES "public"."status_lists"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "extracts" ADD CONSTRAINT "extracts_suspension_list_status_lists_id_fk" FOREIGN KEY ("suspension_list") REFERENCES "public"."status_lists"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "extracts_number_uq" ON "extracts" USING btree ("number");--> statement-breakpoint
CREATE UNIQUE INDEX "extracts_revocation_entry_uq" ON "extracts" USING btree ("revocation_list","revocation_index");--> statement-breakpoint
CREATE UNIQUE INDEX "extracts_suspension_entry_uq" ON "extracts" USING btree ("suspension_list","suspension_index");--> statement-breakpoint
CREATE INDEX "extracts_diploma_idx" ON "extracts" USING btree ("diploma_id");--> statement-breakpoint
CREATE INDEX "sessions_expires_idx" ON "sessions" USING btree ("expires_at");