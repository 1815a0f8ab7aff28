/* replay_main.c — runs a libFuzzer target without libFuzzer: LLVMFuzzerTestOneInput on every
 * regular file of the current directory (ctest runs it inside tests/fuzz/corpus/<name>/), so the
 * seed corpus and every saved crash input are regression tests in the ordinary build. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int main(void)
{
    DIR *d = opendir(".");
    if (d == NULL) {
        perror("replay: opendir");
        return 1;
    }
    size_t files = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        struct stat st;
        if (e->d_name[0] == '.' || stat(e->d_name, &st) != 0 || !S_ISREG(st.st_mode))
            continue;
        FILE *f = fopen(e->d_name, "rb");
        if (f == NULL) {
            perror(e->d_name);
            closedir(d);
            return 1;
        }
        size_t n = (size_t)st.st_size;
        uint8_t *buf = malloc(n ? n : 1);
        if (buf == NULL || fread(buf, 1, n, f) != n) {
            fprintf(stderr, "replay: cannot read %s\n", e->d_name);
            free(buf);
            fclose(f);
            closedir(d);
            return 1;
        }
        fclose(f);
        LLVMFuzzerTestOneInput(buf, n);
        free(buf);
        files++;
    }
    closedir(d);
    printf("replay: %zu inputs, no failure\n", files);
    return files == 0; /* an empty corpus is a broken test, not a pass */
}
