global using System.Text;
global using System.Text.Json;
global using CsCheck;
global using Xunit;
