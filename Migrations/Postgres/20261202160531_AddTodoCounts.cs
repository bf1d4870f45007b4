using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Todo.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class AddTodoCounts : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "TodoCount",
                table: "Users",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "CompletedTodoCount",
                table: "Users",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            // The counts are kept by the database in the statement that changes a todo, whoever runs it. Parallel
            // writes of one user's todos queue on that user's row until each commits; other users' writes do not.
            migrationBuilder.Sql("""
                UPDATE "Users" SET
                    "TodoCount" = (SELECT COUNT(*) FROM "Todos" WHERE "OwnerId" = "Users"."Id"),
                    "CompletedTodoCount" = (SELECT COUNT(*) FROM "Todos" WHERE "OwnerId" = "Users"."Id" AND "Completed");
                """);
            migrationBuilder.Sql("""
                CREATE FUNCTION "Todos_Counted"() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF TG_OP = 'INSERT' THEN
                        UPDATE "Users" SET "TodoCount" = "TodoCount" + 1, "CompletedTodoCount" = "CompletedTodoCount" + NEW."Completed"::int
                        WHERE "Id" = NEW."OwnerId";
                    ELSIF TG_OP = 'DELETE' THEN
                        UPDATE "Users" SET "TodoCount" = "TodoCount" - 1, "CompletedTodoCount" = "CompletedTodoCount" - OLD."Completed"::int
                        WHERE "Id" = OLD."OwnerId";
                    ELSIF NEW."Completed" IS DISTINCT FROM OLD."Completed" THEN
                        UPDATE "Users" SET "CompletedTodoCount" = "CompletedTodoCount" + NEW."Completed"::int - OLD."Completed"::int
                        WHERE "Id" = NEW."OwnerId";
                    END IF;
                    RETURN NULL;
                END
                $$;
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER "Todos_Counted" AFTER INSERT OR DELETE OR UPDATE OF "Completed" ON "Todos"
                FOR EACH ROW EXECUTE FUNCTION "Todos_Counted"();
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""DROP TRIGGER "Todos_Counted" ON "Todos";""");
            migrationBuilder.Sql("""DROP FUNCTION "Todos_Counted"();""");

            migrationBuilder.DropColumn(
                name: "CompletedTodoCount",
                table: "Users");

            migrationBuilder.DropColumn(
                name: "TodoCount",
                table: "Users");
        }
    }
}
