CREATE TABLE "identity_reviews" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"diploma_id" uuid NOT NULL,
	"holder_id" uuid NOT NULL,
	"reported_by" char(4) NOT NULL,
	"fields" jsonb NOT NULL,
	"state" text DEFAULT 'open' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "identity_reviews_state" CHECK ("identity_reviews"."state" in ('open', 'resolved'))
);
--> statement-breakpoint
ALTER TABLE "diplomas" ADD COLUMN "reported_given_names" text;--> statement-breakpoint
ALTER TABLE "diplomas" ADD COLUMN "reported_prefix" text;--> statement-breakpoint
ALTER TABLE "diplomas" ADD COLUMN "reported_family_name" text;--> statement-breakpoint
ALTER TABLE "diplomas" ADD COLUMN "reported_birth_date" date;--> statement-breakpoint
ALTER TABLE "identity_reviews" ADD CONSTRAINT "identity_reviews_diploma_id_diplomas_id_fk" FOREIGN KEY ("diploma_id") REFERENCES "public"."diplomas"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "identity_reviews" ADD CONSTRAINT "identity_reviews_holder_id_holders_id_fk" FOREIGN KEY ("holder_id") REFERENCES "public"."holders"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "identity_reviews_diploma_uq" ON "identity_reviews" USING btree ("diploma_id");--> statement-breakpoint
CREATE INDEX "identity_reviews_holder_idx" ON "identity_reviews" USING btree ("holder_id");--> statement-breakpoint
CREATE INDEX "identity_reviews_open_idx" ON "identity_reviews" USING btree ("created_at") WHERE "identity_reviews"."state" = 'open';--> statement-breakpoint
ALTER TABLE "diplomas" ADD CONSTRAINT "diplomas_reported_holder_whole" CHECK (("diplomas"."reported_family_name" is null) = ("diplomas"."reported_given_names" is null) and ("diplomas"."reported_family_name" is null) = ("diplomas"."reported_birth_date" is null) and ("diplomas"."reported_family_name" is not null or "diplomas"."reported_prefix" is null));