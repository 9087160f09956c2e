CREATE TABLE "verification_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"extract_id" uuid NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"entrance" text NOT NULL,
	CONSTRAINT "verification_events_entrance" CHECK ("verification_events"."entrance" in ('qr', 'number', 'upload', 'api'))
);
--> statement-breakpoint
ALTER TABLE "verification_events" ADD CONSTRAINT "verification_events_extract_id_extracts_id_fk" FOREIGN KEY ("extract_id") REFERENCES "public"."extracts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "verification_events_extract_idx" ON "verification_events" USING btree ("extract_id","at");