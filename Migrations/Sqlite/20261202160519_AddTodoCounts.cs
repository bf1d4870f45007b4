using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Todo.Migrations.Sqlite
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
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "CompletedTodoCount",
                table: "Users",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            // The counts are kept by the database in the statement that changes a todo, whoever runs it.
            migrationBuilder.Sql("""
                UPDATE "Users" SET
                    "TodoCount" = (SELECT COUNT(*) FROM "Todos" WHERE "OwnerId" = "Users"."Id"),
                    "CompletedTodoCount" = (SELECT COUNT(*) FROM "Todos" WHERE "OwnerId" = "Users"."Id" AND "Completed");
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER "Todos_Counted_Insert" AFTER INSERT ON "Todos" BEGIN
                    UPDATE "Users" SET "TodoCount" = "TodoCount" + 1, "CompletedTodoCount" = "CompletedTodoCount" + NEW."Completed"
                    WHERE "Id" = NEW."OwnerId";
                END;
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER "Todos_Counted_Delete" AFTER DELETE ON "Todos" BEGIN
                    UPDATE "Users" SET "TodoCount" = "TodoCount" - 1, "CompletedTodoCount" = "CompletedTodoCount" - OLD."Completed"
                    WHERE "Id" = OLD."OwnerId";
                END;
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER "Todos_Counted_Completion" AFTER UPDATE OF "Completed" ON "Todos" WHEN NEW."Completed" <> OLD."Completed" BEGIN
                    UPDATE "Users" SET "CompletedTodoCount" = "CompletedTodoCount" + NEW."Completed" - OLD."Completed"
                    WHERE "Id" = NEW."OwnerId";
                END;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""DROP TRIGGER "Todos_Counted_Insert";""");
            migrationBuilder.Sql("""DROP TRIGGER "Todos_Counted_Delete";""");
            migrationBuilder.Sql("""DROP TRIGGER "Todos_Counted_Completion";""");

            migrationBuilder.DropColumn(
                name: "CompletedTodoCount",
                table: "Users");

            migrationBuilder.DropColumn(
                name: "TodoCount",
                table: "Users");
        }
    }
}
