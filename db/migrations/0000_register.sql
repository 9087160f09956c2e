CREATE TYPE "public"."diploma_kind" AS ENUM('diploma', 'getuigschrift', 'certificaat');--> statement-breakpoint
CREATE TYPE "public"."diploma_state" AS ENUM('valid', 'corrected', 'annulled');--> statement-breakpoint
CREATE TYPE "public"."feed_record_type" AS ENUM('award', 'correction', 'annulment');--> statement-breakpoint
CREATE TYPE "public"."programme_code_type" AS ENUM('croho', 'crebo', 'vo');--> statement-breakpoint
CREATE TYPE "public"."sector" AS ENUM('vo', 'mbo', 'hbo', 'wo');--> statement-breakpoint
CREATE TABLE "audit_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"actor" text NOT NULL,
	"action" text NOT NULL,
	"subject_type" text NOT NULL,
	"subject_id" text NOT NULL,
	"data" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"request_id" text
);
--> statement-breakpoint
CREATE TABLE "diplomas" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"institution_id" integer NOT NULL,
	"programme_id" integer NOT NULL,
	"holder_id" uuid NOT NULL,
	"reference" text NOT NULL,
	"kind" "diploma_kind" NOT NULL,
	"profile" text,
	"award_date" date NOT NULL,
	"nlqf" text NOT NULL,
	"eqf" smallint NOT NULL,
	"grades" jsonb,
	"state" "diploma_state" DEFAULT 'valid' NOT NULL,
	"superseded_by" uuid,
	"annulled_at" timestamp with time zone,
	"annulment_reason" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "diplomas_state_consistent" CHECK (("diplomas"."state" = 'corrected') = ("diplomas"."superseded_by" is not null) and ("diplomas"."state" = 'annulled') = ("diplomas"."annulled_at" is not null))
);
--> statement-breakpoint
CREATE TABLE "feed_records" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"brin" char(4) NOT NULL,
	"reference" text NOT NULL,
	"type" "feed_record_type" NOT NULL,
	"record_hash" text NOT NULL,
	"diploma_id" uuid NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "holders" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"subject_id" text NOT NULL,
	"given_names" text NOT NULL,
	"prefix" text,
	"family_name" text NOT NULL,
	"birth_date" date NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "institution_api_keys" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"brin" char(4) NOT NULL,
	"prefix" text NOT NULL,
	"key_hash" text NOT NULL,
	"label" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"revoked_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "institutions" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "institutions_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"brin" char(4) NOT NULL,
	"location" char(2) NOT NULL,
	"name" text NOT NULL,
	"name_en" text,
	"place" text NOT NULL,
	"sector" "sector" NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "institutions_brin_format" CHECK ("institutions"."brin" ~ '^[0-9]{2}[A-Z]{2}$'),
	CONSTRAINT "institutions_location_format" CHECK ("institutions"."location" ~ '^[0-9]{2}$')
);
--> statement-breakpoint
CREATE TABLE "programmes" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "programmes_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"code_type" "programme_code_type" NOT NULL,
	"code" text NOT NULL,
	"sector" "sector" NOT NULL,
	"name_nl" text NOT NULL,
	"name_en" text NOT NULL,
	"nlqf" text NOT NULL,
	"eqf" smallint NOT NULL,
	"profiles" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "programmes_code_format" CHECK (("programmes"."code_type" = 'vo' and "programmes"."code" ~ '^[A-Z][A-Z0-9-]{1,15}$') or "programmes"."code" ~ '^[0-9]{5}$'),
	CONSTRAINT "programmes_nlqf" CHECK ("programmes"."nlqf" in ('1','2','3','4','4+','5','6','7','8')),
	CONSTRAINT "programmes_eqf" CHECK ("programmes"."eqf" between 1 and 8)
);
--> statement-breakpoint
CREATE TABLE "signing_keys" (
	"kid" text PRIMARY KEY NOT NULL,
	"alg" text NOT NULL,
	"public_jwk" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"activated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"retired_at" timestamp with time zone,
	"compromised_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "diplomas" ADD CONSTRAINT "diplomas_institution_id_institutions_id_fk" FOREIGN KEY ("institution_id") REFERENCES "public"."institutions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "diplomas" ADD CONSTRAINT "diplomas_programme_id_programmes_id_fk" FOREIGN KEY ("programme_id") REFERENCES "public"."programmes"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "diplomas" ADD CONSTRAINT "diplomas_holder_id_holders_id_fk" FOREIGN KEY ("holder_id") REFERENCES "public"."holders"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "diplomas" ADD CONSTRAINT "diplomas_superseded_by_diplomas_id_fk" FOREIGN KEY ("superseded_by") REFERENCES "public"."diplomas"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "feed_records" ADD CONSTRAINT "feed_records_diploma_id_diplomas_id_fk" FOREIGN KEY ("diploma_id") REFERENCES "public"."diplomas"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "audit_events_subject_idx" ON "audit_events" USING btree ("subject_type","subject_id");--> statement-breakpoint
CREATE INDEX "diplomas_holder_idx" ON "diplomas" USING btree ("holder_id");--> statement-breakpoint
CREATE UNIQUE INDEX "diplomas_institution_reference_uq" ON "diplomas" USING btree ("institution_id","reference");--> statement-breakpoint
CREATE UNIQUE INDEX "feed_records_brin_reference_uq" ON "feed_records" USING btree ("brin","reference");--> statement-breakpoint
CREATE UNIQUE INDEX "holders_subject_uq" ON "holders" USING btree ("subject_id");--> statement-breakpoint
CREATE UNIQUE INDEX "institution_api_keys_prefix_uq" ON "institution_api_keys" USING btree ("prefix");--> statement-breakpoint
CREATE UNIQUE INDEX "institutions_brin_location_uq" ON "institutions" USING btree ("brin","location");--> statement-breakpoint
CREATE UNIQUE INDEX "programmes_code_uq" ON "programmes" USING btree ("code_type","code");--> statement-breakpoint
CREATE UNIQUE INDEX "signing_keys_one_active_uq" ON "signing_keys" USING btree ("alg") WHERE "signing_keys"."retired_at" is null and "signing_keys"."compromised_at" is null;