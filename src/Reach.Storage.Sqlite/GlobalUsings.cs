global using Microsoft.Data.Sqlite;
global using Reach.Storage;
