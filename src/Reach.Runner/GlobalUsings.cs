global using System.Text.Json;
global using Reach.Storage;
