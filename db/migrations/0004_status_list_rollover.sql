ALTER TABLE "status_lists" ADD COLUMN "sequence" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "status_lists" ADD COLUMN "allocated" integer DEFAULT 0 NOT NULL;