global using Microsoft.Data.Sqlite;
global using Reach.Runner.Storage;
